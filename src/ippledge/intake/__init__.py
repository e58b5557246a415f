"""One-stop application (一站式受理): one application fanned out into party tasks with working-day time limits."""
