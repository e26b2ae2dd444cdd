// SPDX-License-Identifier: GPL-2.0
/*
 * probity_example: a third-party module that defines trace events and
 * declares their stability (see probity_example_trace.h).
 *
 * Writing a number N to /sys/module/probity_example/parameters/fire emits
 * one probity_example_request, one probity_example_debug and one
 * probity_example_reset event with id N, so that tests can see them.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#define CREATE_TRACE_POINTS
#include "probity_example_trace.h"

static int fire_set(const char *val, const struct kernel_param *kp)
{
	unsigned int id;
	int ret = kstrtouint(val, 0, &id);

	if (ret)
		return ret;
	trace_probity_example_request(id, id * 512);
	trace_probity_example_debug(id, 0xc0ffee);
	trace_probity_example_reset(id);
	return 0;
}

static const struct kernel_param_ops fire_ops = {
	.set = fire_set,
};

module_param_cb(fire, &fire_ops, NULL, 0200);
MODULE_PARM_DESC(fire, "write an id to emit one event of each kind");

static int __init probity_example_init(void)
{
	return 0;
}

static void __exit probity_example_exit(void)
{
}

module_init(probity_example_init);
module_exit(probity_example_exit);

MODULE_DESCRIPTION("Trace events with declared stability, for Probity");
MODULE_LICENSE("GPL");
