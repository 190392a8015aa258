"""Reports are generated from the other apps' data; this app keeps no tables of its own yet."""
