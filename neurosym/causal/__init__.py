"""The causal engine: structural causal models on networkx, exact and with witnesses (docs/causal.md).

    from neurosym.causal.parse import parse_program
    from neurosym.causal.actual import Z3Search
    program = parse_program(open("examples/scm-rock-throwing.scm").read())
    Z3Search(program.model, program.queries[0].target).is_cause({"ST": True})  # Verdict(is_cause=True, ...)

Modules: model (variables, equations, worlds), parse (source -> checked model and queries), queries
(interventions, counterfactuals, probabilities), actual (Halpern-Pearl causes: Z3 search and the
enumeration reference), draw (Graphviz pictures), generate (random models for the scale benchmark).
"""
