tick-5years { @ = count(); }
