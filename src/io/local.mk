# io module: sources, Check suite, man pages
