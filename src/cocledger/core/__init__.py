"""The policy: data and pure functions over it. No clock, file, git, cache or terminal here;
the moment an action happens is passed in, and `store/` is the only code that does I/O."""
