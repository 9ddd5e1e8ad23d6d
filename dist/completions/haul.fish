complete --keep-order --exclusive --command haul --arguments "(COMPLETE=fish haul -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
