tick-100ms { @ticks = count(); }
tick-500ms /1/ { exit(0); }
END { printa("ticks: %@d\n", @ticks); }
