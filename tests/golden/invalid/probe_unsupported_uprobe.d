uprobe:/bin/bash:readline { @ = count(); }
