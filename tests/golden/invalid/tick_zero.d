tick-0s { @ = count(); }
