# fit module: sources, Check suite, man pages
