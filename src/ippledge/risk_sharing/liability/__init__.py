"""Professional liability insurance (职业责任保险, Zhongguancun model): the institution's policy, claims and roles."""
