"""The daily close (业务日终): accrual, ageing, penalty interest, reclassification and provisioning per business date.

``service`` runs a close, ``model`` plans one loan's day as pure rules, ``store`` reads and writes in bulk,
``tables`` keeps each close's report, ``api`` and ``cli`` are the edges.
"""
