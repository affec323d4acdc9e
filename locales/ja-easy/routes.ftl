# The header of an officer's pages: the organisations they work for.
works-for = [働|はたら]いている ところ：
