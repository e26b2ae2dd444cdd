BEGIN { printf("%d\n", args->pid); }
