// printf("") prints nothing: DTrace refuses it.
BEGIN { printf(""); exit(0); }
