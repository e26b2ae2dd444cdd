block:block_rq_issue
{
	this->kb = args->nr_sector / 2;
	this->major = args->dev >> 20;
	@kb[this->major] = sum(this->kb);
}
