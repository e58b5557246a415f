"""Policy matching for firms (政策匹配): every scheme and subsidy a firm or a planned loan qualifies for or fails."""
