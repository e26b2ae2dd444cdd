#include <stdio.h>
sched:sched_switch { @ = count(); }
