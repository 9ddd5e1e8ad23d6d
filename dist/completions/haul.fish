complete --keep-order --exclusive --command haul --arguments "(HAUL_COMPLETE=fish haul -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
