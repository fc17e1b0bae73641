/*  Proof trees for neurosym: a vanilla meta-interpreter over one program module. sandbox.pl calls it
    once per answer SWI-Prolog found, to explain that answer (answers never come from here).

    prove(+Module, +Goal, -Proof) runs Goal as SWI-Prolog would (same clause order, same cut
    semantics for the common cases) and returns, per solution, the tree that justifies it:

        node(Goal, Kind, Children)
            Kind = clause   Goal unified with a program clause; Children prove its body
                   builtin  a built-in or library predicate succeeded (no children)
                   naf      \+ G succeeded because G has no proof (no children)
                   true     the empty body of a fact

    A top-level cut in a clause body commits to that clause, as in Prolog. The Goal inside each node is the instantiated goal
    after the solution, so the tree reads as "why this answer holds".
*/

:- module(neurosym_proof, [prove/3]).

prove(M, Goal, Proof) :-
    prove_(Goal, M, Proof).

prove_(G, _, _) :-
    var(G), !,
    throw(error(instantiation_error, context(prove/3, _))).
prove_(true, _, node(true, true, [])) :- !.
prove_((A, B), M, node(and, and, [PA, PB])) :- !,
    prove_(A, M, PA),
    prove_(B, M, PB).
prove_((C -> T ; E), M, P) :- !,
    (   prove_(C, M, PC)
    ->  prove_(T, M, PT), P = node(if_then, and, [PC, PT])
    ;   prove_(E, M, P)
    ).
prove_((C *-> T ; E), M, P) :- !,
    (   prove_(C, M, PC)
    *-> prove_(T, M, PT), P = node(if_then, and, [PC, PT])
    ;   prove_(E, M, P)
    ).
prove_((A ; B), M, P) :- !,
    (   prove_(A, M, P)
    ;   prove_(B, M, P)
    ).
prove_((C -> T), M, node(if_then, and, [PC, PT])) :- !,
    (   prove_(C, M, PC)
    ->  prove_(T, M, PT)
    ).
prove_(\+ G, M, node(\+ G, naf, [])) :- !,
    \+ prove_(G, M, _).
prove_(call(G), M, P) :- !,
    prove_(G, M, P).
prove_(!, _, node(!, builtin, [])) :- !.
prove_(_:_, _, _) :- !,
    throw(error(permission_error(call, module_qualified, goal), context(prove/3, _))).
prove_(G, M, node(G, clause, [PB])) :-
    user_predicate(M, G), !,
    prove_clauses(M, G, PB).
prove_(G, M, node(G, builtin, [])) :-
    call(M:G).

%   Try the clauses of G in order. A top-level cut in a body commits, as in Prolog, to this clause
%   and to the first proof of the goals before it; later cuts in the same body commit locally.
%   Cuts nested inside ( ; ) or ( -> ) in a body are treated as true (documented approximation).
prove_clauses(M, G, P) :-
    clause(M:G, Body),
    (   split_cut(Body, Before, After)
    ->  prove_(Before, M, PBefore), !,
        prove_body(After, M, PAfter),
        P = node(and, and, [PBefore, PAfter])
    ;   prove_(Body, M, P)
    ).

prove_body(Body, M, P) :-
    split_cut(Body, Before, After), !,
    once(prove_(Before, M, PBefore)),
    prove_body(After, M, PAfter),
    P = node(and, and, [PBefore, PAfter]).
prove_body(Body, M, P) :-
    prove_(Body, M, P).

split_cut(!, true, true) :- !.
split_cut((!, B), true, B) :- !.
split_cut((A, B), (A, Before), After) :-
    split_cut(B, Before, After), !.
split_cut((A, !), A, true).

user_predicate(M, G) :-
    predicate_property(M:G, defined),
    \+ predicate_property(M:G, imported_from(_)),
    \+ predicate_property(M:G, built_in),
    \+ predicate_property(M:G, foreign).
