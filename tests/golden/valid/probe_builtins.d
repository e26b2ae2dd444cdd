irq:irq_handler_entry { @[probeprov, probename, probe] = count(); }
