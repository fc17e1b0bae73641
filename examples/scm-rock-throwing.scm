# Suzy and Billy throw rocks at a bottle; Suzy's arrives first (pre-emption).
# Halpern (2016): Suzy's throw is an actual cause of the shattering, Billy's is not.
exogenous US : bool = true
exogenous UB : bool = true
endogenous ST := US             # Suzy throws
endogenous BT := UB             # Billy throws
endogenous SH := ST             # Suzy's rock hits
endogenous BH := BT and not SH  # Billy's rock hits only if Suzy's did not
endogenous BS := SH or BH       # the bottle shatters

query cause ST = true -> BS             # yes, with W = {BH} held at false
query cause BT = true -> BS             # no
query but_for ST = true -> BS           # no: Billy's rock would have done it
query responsibility ST = true -> BS    # 1/2
