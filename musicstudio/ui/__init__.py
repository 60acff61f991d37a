"""Qt widgets: the main window and what it shows. Never imports torch; talks to models through workers."""
