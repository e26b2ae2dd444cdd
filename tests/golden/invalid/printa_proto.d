// A printa format needs an aggregation to print.
END { printa("%s %@d\n"); }
