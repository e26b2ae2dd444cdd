#pragma D option amin=Stable
power:pm_qos_add_request { @ = count(); }
