profile-997 { @[stack()] = count(); }
