"""The causal engine: structural causal models on networkx, exact and with witnesses (docs/causal.md).

    from neurosym.lang.scm import parse_program
    from neurosym.causal.actual import Z3Search
    program = parse_program(open("examples/scm-rock-throwing.scm").read())
    Z3Search(program.model, program.queries[0].target).is_cause({"ST": True})  # Verdict(is_cause=True, ...)

Modules: model (variables, equations, worlds, and the Query types), queries (interventions,
counterfactuals, probabilities), actual (Halpern-Pearl causes: Z3 search and the enumeration reference),
draw (Graphviz pictures). The SCM language that builds models lives in neurosym.lang.scm.
"""
