interval:5 { @ = count(); }
