"""Whitelists and the two-way push (白名单双向推送): criteria as versioned rules, lists with maker-checker, the push
of a ranked list to banks, the banks' feedback under working-day limits, and the reverse push (反向推送)."""
