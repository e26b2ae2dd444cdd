// arg0..arg9 exist in clauses of BEGIN, END and ERROR (ERROR's describe the
// fault); tracepoints have named fields instead, and tick records none.
BEGIN, END { trace(arg0); }
ERROR { trace(arg4); }
tick-1s { trace(arg4); }
