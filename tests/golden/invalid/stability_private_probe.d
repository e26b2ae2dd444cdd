bpf_test_run:bpf_test_finish { @ = count(); }
