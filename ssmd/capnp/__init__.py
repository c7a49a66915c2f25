"""Cap'n Proto: import graphs, hashing, and compiling in a child process."""
