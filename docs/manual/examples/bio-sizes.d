/*
 * bio-sizes.d: what size are the disk requests, per direction?
 *
 * Run:     probity -q -s bio-sizes.d
 * Options: none.
 * Reading: bytes per request, power-of-two buckets, one histogram per RWBS
 *          (R read, W write, S synchronous, M metadata, FF flush).  Many
 *          small requests on a rotating disk, or on a device billed per
 *          operation, are the thing to look for.
 * Kernels: 6.1, 6.12, 6.18.
 */
block:block_rq_issue
/args->bytes > 0/
{
  @bytes[args->rwbs] = quantize(args->bytes);
}
