"""Every format `coc` prints or writes, in one place: terminal tables (plain text when piped),
JSON, validate's diagnostics, the active bans page and the transparency report. Pure text from
data; `console` is the one door to the terminal."""
