interval:s:x { @ = count(); }
