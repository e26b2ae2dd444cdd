

// leading comments
/* block
   comment */
sched:sched_wakeup   // trailing comment
{
	/* in the body */ @[args->comm] = count(); // done
}

