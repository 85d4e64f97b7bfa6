# structure module: sources, Check suite, man pages
