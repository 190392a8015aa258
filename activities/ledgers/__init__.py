"""The branch's ledgers beyond meetings (domain §7): pairings (结对), the hardship ledger
(帮扶台账), pledges (三个一, 四个一) and duty posts (党员责任区, 安全责任岗). Models in
`activities.models.ledgers`; access, services, selectors, forms and pages here."""
