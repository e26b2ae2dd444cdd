// printa(@a, @b) needs keys of the same types in the same order.
BEGIN { @a[1, "", 2] = count(); @b[1, 2, ""] = count(); printa(@a, @b); exit(0); }
