import curses, time
def main(w):
    curses.start_color(); curses.init_pair(1, curses.COLOR_RED, curses.COLOR_BLACK)
    w.addstr(0, 0, "curses demo", curses.color_pair(1) | curses.A_BOLD)
    w.addstr(2, 2, "中文 and 😀 here")
    w.addstr(4, 0, "Pick one:")
    w.addstr(5, 0, "> 1. Apple")
    w.addstr(6, 0, "  2. Banana")
    w.move(5, 2)
    w.refresh()
    time.sleep(0.3)
curses.wrapper(main)
