# path module: sources, Check suite, man pages
