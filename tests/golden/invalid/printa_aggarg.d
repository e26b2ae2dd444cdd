// printa takes aggregations only.
END { printa(1); }
