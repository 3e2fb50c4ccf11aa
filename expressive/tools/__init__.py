"""The project's own tools, apart from the app: `expressive bench`, `expressive screenshot`,
`expressive stress`, the crash and fault harnesses, and the driver that works the real app
without its main loop. They ship with the app so that it can measure and show itself where
it is installed, but the app itself never imports them: the command line loads them only
inside the commands that use them."""
