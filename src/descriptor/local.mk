# descriptor module: sources, Check suite, man pages
