a:b:c:d:e { @ = count(); }
