// arg0..arg5 are the ERROR probe's: elsewhere tracepoints have named fields.
ERROR { trace(arg4); }
tick-1s { trace(arg4); }
