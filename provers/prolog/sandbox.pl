/*  The neurosym Prolog sandbox: load an untrusted program as data into a temporary module, check the
    query with library(sandbox), and run it under time, inference and output limits.

    ns_run(+Program:string, +Query:string, +Options:list, -Json:string)
        Options: time(Seconds), inferences(N), max_solutions(N), proof(Bool), output_cap(Chars).
        Json is one JSON object: {"status": "solved", "answer": "true"|"false", "solutions": [...],
        "capped": Bool, "proofs": [...], "output": String, "output_chars": N} or
        {"status": "error"|"timeout"|"unknown", "kind": ..., "message": ..., "line": L, "column": C}.

    Why this shape: each program lives in its own temporary module that is destroyed afterwards, so no
    clause, table or flag survives into the next problem; clauses are asserted (never consulted), so no
    directive runs unless it is one of the harmless declarations accepted below; the query is refused
    unless safe_goal/1 proves that everything it can reach is safe (it walks the program's own clauses).
*/

:- module(neurosym_sandbox, [ns_init/1, ns_run/4]).

:- use_module(library(sandbox)).
:- use_module(library(time)).
:- use_module(library(lists)).
:- use_module(library(apply)).
:- use_module(library(option)).
:- use_module(library(solution_sequences)).
:- use_module(library(prolog_stream)).
:- use_module(library(http/json)).
:- use_module(proof).

%!  ns_init(+StackLimitBytes) is det.
%   Called once per worker: the stack limit is set here, and user code cannot change it because
%   set_prolog_flag(stack_limit, _) is not a safe goal.
ns_init(StackLimit) :-
    set_prolog_flag(stack_limit, StackLimit),
    set_prolog_flag(table_space, StackLimit).

%   Plain output to the current output stream is safe here: run_goal/5 points current output (and the
%   user_output/user_error aliases) at a capped capture stream while the program runs.
:- multifile sandbox:safe_primitive/1.
sandbox:safe_primitive(system:write(_)).
sandbox:safe_primitive(system:print(_)).
sandbox:safe_primitive(system:writeq(_)).
sandbox:safe_primitive(system:write_canonical(_)).
sandbox:safe_primitive(system:nl).
sandbox:safe_primitive(system:tab(_)).
sandbox:safe_primitive(system:put_char(_)).

%   Libraries a program may name in :- use_module(library(L)): pure predicates that the sandbox
%   already knows how to check.
safe_library(lists).
safe_library(apply).
safe_library(aggregate).
safe_library(between).
safe_library(pairs).
safe_library(solution_sequences).
safe_library(yall).
safe_library(dif).
safe_library(clpfd).
safe_library(ordsets).
safe_library(assoc).

ns_run(Program, Query, Options, Json) :-
    catch(run(Program, Query, Options, Result), E, exception_result(E, Result)),
    abolish_all_tables,
    with_output_to(string(Json), json_write_dict(current_output, Result, [width(0)])).

run(Program, Query, Options, Result) :-
    in_temporary_module(M, true, run_in(M, Program, Query, Options, Result)).

run_in(M, Program, Query, Options, Result) :-
    install_guards(M),
    load_program(M, Program, Dynamic),
    compile_static(M, Dynamic),
    parse_query(M, Query, Goal, Bindings),
    check_goal(M, Goal),
    run_goal(M, Goal, Bindings, Options, Result).

% ------------------------------------------------------------------------------------ limit guards

%   A limit must stop the program even when the program catches everything: `catch(loop, _, true)`
%   would swallow the time-limit exception, and a cleanup handler runs with signals held, so an alarm
%   cannot stop it. Each program module therefore gets its own catch/3 and catch_with_backtrace/3,
%   which re-throw a limit exception after running nothing, and setup_call_cleanup/3 and call_cleanup/2
%   whose setup and cleanup run as ordinary (interruptible) goals, the main goal once (docs/prolog.md).
%   Module-local definitions win over the system ones for every call made in the module, meta-calls
%   (findall/3, maplist/N, yall lambdas) included; a program may not define these itself.

guarded(catch/3).
guarded(catch_with_backtrace/3).
guarded(setup_call_cleanup/3).
guarded(call_cleanup/2).

install_guards(M) :-
    nb_setval(ns_program_module, M),
    forall(guarded(Name/Arity),
           ( functor(Head, Name, Arity), M:redefine_system_predicate(Head) )),
    assertz(M:(catch(G, C, R) :- neurosym_sandbox:ns_catch(M:G, C, M:R))),
    assertz(M:(catch_with_backtrace(G, C, R) :- neurosym_sandbox:ns_catch(M:G, C, M:R))),
    assertz(M:(setup_call_cleanup(S, G, C) :- neurosym_sandbox:ns_setup_call_cleanup(M:S, M:G, M:C))),
    assertz(M:(call_cleanup(G, C) :- neurosym_sandbox:ns_setup_call_cleanup(M:true, M:G, M:C))).

:- meta_predicate ns_catch(0, ?, 0), ns_setup_call_cleanup(0, 0, 0).

ns_catch(Goal, Catcher, Recovery) :-
    catch(Goal, E, recover(E, Catcher, Recovery)).

recover(E, _, _) :- limit_exception(E), !, throw(E).
recover(E, Catcher, Recovery) :- E = Catcher, !, call(Recovery).
recover(E, _, _) :- throw(E).

ns_setup_call_cleanup(Setup, Goal, Cleanup) :-
    once(Setup),
    catch(Goal, E, true),
    !,
    ignore(Cleanup),
    (   nonvar(E) -> throw(E) ; true ).
ns_setup_call_cleanup(_, _, Cleanup) :-
    ignore(Cleanup),
    fail.

limit_exception(E) :- var(E), !, fail.
limit_exception(time_limit_exceeded).
limit_exception(time_limit_exceeded(_)).
limit_exception(inference_limit_exceeded).
limit_exception('$aborted').
limit_exception(ns_time_limit).

%   The guards are checked as the meta-predicates they stand for: what they call must be safe (the
%   sandbox analyses a predicate generically, so their own bodies, with unbound goals, would not pass).
:- multifile sandbox:safe_meta/2.
sandbox:safe_meta(M:Goal, Called) :-
    nb_current(ns_program_module, M),
    guarded_meta(Goal, Called).

guarded_meta(catch(G, _, R), [G, R]).
guarded_meta(catch_with_backtrace(G, _, R), [G, R]).
guarded_meta(setup_call_cleanup(S, G, C), [S, G, C]).
guarded_meta(call_cleanup(G, C), [G, C]).

%!  ns_time_limit(+Seconds, :Goal)
%   Like call_with_time_limit/2, but the alarm re-arms itself every 50 ms after it first fires, so a
%   program that still catches the exception (through a path the guards miss) is interrupted again.
:- meta_predicate ns_time_limit(+, 0).
ns_time_limit(Seconds, Goal) :-
    flag(ns_time_generation, G0, G0 + 1),
    Generation is G0 + 1,
    nb_setval(ns_time_armed, Generation),
    alarm(Seconds, ns_fire(Generation), Id, [remove(false)]),
    call_cleanup(Goal, ( nb_setval(ns_time_armed, none), remove_alarm(Id) )).

%   An alarm of an earlier run that is still pending finds another generation armed and does nothing.
ns_fire(Generation) :-
    nb_getval(ns_time_armed, Generation),
    !,
    alarm(0.05, ns_fire(Generation), _, [remove(true)]),
    throw(time_limit_exceeded).
ns_fire(_).

% ------------------------------------------------------------------------------------------- loading

load_program(M, Text, Dynamic) :-
    setup_call_cleanup(open_string(Text, S),
                       load_stream(S, M, [], Dynamic),
                       close(S)).

load_stream(S, M, Dyn0, Dyn) :-
    read_program_term(S, M, Term, Line),
    (   Term == end_of_file
    ->  Dyn = Dyn0
    ;   load_term(Term, M, Line, Dyn0, Dyn1),
        load_stream(S, M, Dyn1, Dyn)
    ).

read_program_term(S, M, Term, Line) :-
    catch(read_term(S, Term, [module(M), term_position(Pos), syntax_errors(error)]),
          error(syntax_error(What), Context),
          syntax_error(What, Context)),
    (   Term == end_of_file
    ->  Line = 0
    ;   stream_position_data(line_count, Pos, Line)
    ).

syntax_error(What, stream(_, Line, LinePos, _)) :- !,
    Column is LinePos + 1,
    message_text(error(syntax_error(What), _), Text),
    throw(ns_error(syntax, Text, Line, Column)).
syntax_error(What, _) :-
    message_text(error(syntax_error(What), _), Text),
    throw(ns_error(syntax, Text, null, null)).

load_term(Var, _, Line, _, _) :-
    var(Var), !,
    throw(ns_error(syntax, "a clause cannot be a variable", Line, 1)).
load_term((:- Directive), M, Line, Dyn0, Dyn) :- !,
    directive(Directive, M, Line, Dyn0, Dyn).
load_term((?- _), _, Line, _, _) :- !,
    throw(ns_error(input, "a query (?- ...) inside the program: put it in the query field", Line, 1)).
load_term((Head --> Body), M, Line, Dyn, Dyn) :- !,
    catch(dcg_translate_rule((Head --> Body), Clause), E, clause_error(E, Line)),
    add_clause(Clause, M, Line).
load_term(Clause, M, Line, Dyn, Dyn) :-
    add_clause(Clause, M, Line).

add_clause(Clause, M, Line) :-
    (   Clause = (Head :- _) -> true ; Head = Clause ),
    check_head(Head, Line),
    catch(assertz(M:Clause), E, clause_error(E, Line)).

check_head(Head, Line) :-
    (   var(Head)
    ->  throw(ns_error(syntax, "a clause head cannot be a variable", Line, 1))
    ;   Head = _:_
    ->  throw(ns_error(refused, "module-qualified clause heads are refused", Line, 1))
    ;   callable(Head), functor(Head, Name, Arity), guarded(Name/Arity)
    ->  format(string(Msg), "redefining ~q is refused: the sandbox keeps its own", [Name/Arity]),
        throw(ns_error(refused, Msg, Line, 1))
    ;   \+ callable(Head)
    ->  format(string(Msg), "a clause head must be an atom or compound term, not ~q", [Head]),
        throw(ns_error(syntax, Msg, Line, 1))
    ;   true
    ).

clause_error(E, Line) :-
    message_text(E, Text),
    throw(ns_error(type, Text, Line, 1)).

directive(D, _, Line, _, _) :-
    var(D), !,
    throw(ns_error(syntax, "a directive cannot be a variable", Line, 1)).
directive(dynamic(Spec), M, Line, Dyn0, Dyn) :- !,
    indicators(Spec, Line, PIs),
    forall(member(PI, PIs), catch(dynamic(M:PI), E, clause_error(E, Line))),
    append(PIs, Dyn0, Dyn).
directive(discontiguous(Spec), _, Line, Dyn, Dyn) :- !,
    indicators(Spec, Line, _).
directive(table(Spec), M, Line, Dyn, Dyn) :- !,
    indicators(Spec, Line, PIs),
    forall(member(PI, PIs), catch(M:table(PI), E, clause_error(E, Line))).
directive(use_module(library(L)), M, Line, Dyn, Dyn) :- !,
    library_directive(L, M, Line).
directive(use_module(library(L), _), M, Line, Dyn, Dyn) :- !,
    library_directive(L, M, Line).
directive(ensure_loaded(library(L)), M, Line, Dyn, Dyn) :- !,
    library_directive(L, M, Line).
directive(D, _, Line, _, _) :-
    format(string(Msg), "directive :- ~q is refused: only dynamic, discontiguous, table and \c
                         use_module(library(L)) of a pure library are allowed", [D]),
    throw(ns_error(refused, Msg, Line, 1)).

library_directive(L, M, Line) :-
    (   atom(L), safe_library(L)
    ->  M:use_module(library(L))
    ;   format(string(Msg), "use_module(library(~q)) is refused: not one of the pure libraries", [L]),
        throw(ns_error(refused, Msg, Line, 1))
    ).

indicators(Spec, Line, _) :-
    var(Spec), !,
    throw(ns_error(syntax, "a declaration needs Name/Arity", Line, 1)).
indicators((A, B), Line, PIs) :- !,
    indicators(A, Line, PA),
    indicators(B, Line, PB),
    append(PA, PB, PIs).
indicators([], _, []) :- !.
indicators([H|T], Line, PIs) :- !,
    indicators(H, Line, PH),
    indicators(T, Line, PT),
    append(PH, PT, PIs).
indicators(Name/Arity, _, [Name/Arity]) :-
    atom(Name), integer(Arity), Arity >= 0, !.
indicators(Name//Arity, _, [Name/Arity2]) :-
    atom(Name), integer(Arity), Arity >= 0, !,
    Arity2 is Arity + 2.
indicators(Spec, Line, _) :-
    format(string(Msg), "~q is not a predicate indicator Name/Arity", [Spec]),
    throw(ns_error(syntax, Msg, Line, 1)).

%   Predicates the program did not declare dynamic become static: faster, and immune to retract.
compile_static(M, Dynamic) :-
    forall(( current_predicate(M:Name/Arity),
             functor(Head, Name, Arity),
             \+ predicate_property(M:Head, imported_from(_)),
             predicate_property(M:Head, dynamic),
             \+ predicate_property(M:Head, tabled),
             \+ memberchk(Name/Arity, Dynamic)
           ),
           compile_predicates([M:Name/Arity])).

% --------------------------------------------------------------------------------------- the query

parse_query(M, Text, Goal, Bindings) :-
    catch(term_string(Goal, Text, [module(M), variable_names(Bindings), syntax_errors(error)]),
          error(syntax_error(What), Context),
          query_syntax_error(What, Context, Text)),
    (   var(Goal)
    ->  throw(ns_error(syntax, "the query is empty or a bare variable", 1, 1))
    ;   true
    ).

query_syntax_error(What, string(_, CharNo), Text) :- !,
    sub_string(Text, 0, CharNo, _, Before),
    split_string(Before, "\n", "", Lines),
    length(Lines, Line),
    last(Lines, LastLine),
    string_length(LastLine, Col0),
    Column is Col0 + 1,
    message_text(error(syntax_error(What), _), Msg),
    string_concat("in the query: ", Msg, Full),
    throw(ns_error(syntax, Full, Line, Column)).
query_syntax_error(What, _, _) :-
    message_text(error(syntax_error(What), _), Msg),
    string_concat("in the query: ", Msg, Full),
    throw(ns_error(syntax, Full, 1, 1)).

check_goal(M, Goal) :-
    catch(safe_goal(M:Goal), E, refuse(E)).

refuse(error(existence_error(procedure, PI), _)) :- !,
    unqualify(PI, Plain),
    format(string(Msg), "unknown procedure ~q: it is neither defined in the program nor a built-in", [Plain]),
    throw(ns_error(type, Msg, null, null)).
refuse(error(permission_error(call, sandboxed, Goal), sandbox(_, Parents))) :- !,
    unqualify(Goal, Plain),
    called_from(Parents, From),
    shown(Plain, Shown),
    format(string(Msg), "~w is not allowed in the sandbox~w", [Shown, From]),
    throw(ns_error(refused, Msg, null, null)).
refuse(error(instantiation_error, _)) :- !,
    throw(ns_error(refused, "a goal called through a variable cannot be verified as safe; \c
                             call it directly", null, null)).
refuse(E) :-
    message_text(E, Text),
    throw(ns_error(refused, Text, null, null)).

%   A refused goal is shown as written when ground, else as Name/Arity (no _123 variables).
shown(Goal, Text) :-
    (   ground(Goal) ; \+ callable(Goal) ),
    !,
    format(string(Text), "~q", [Goal]).
shown(Goal, Text) :-
    functor(Goal, Name, Arity),
    format(string(Text), "~q", [Name/Arity]).

unqualify(_:X, Y) :- !, unqualify(X, Y).
unqualify(X, X).

called_from(Parents, From) :-
    include([P]>>(P \= '$toplevel':_, P \= _:'$toplevel'), Parents, Ps),
    (   Ps = [Parent|_]
    ->  unqualify(Parent, Plain),
        (   Plain = Name/Arity -> true ; Plain = Name-Arity -> true ; functor(Plain, Name, Arity) ),
        format(string(From), " (reached through ~q)", [Name/Arity])
    ;   From = ""
    ).

% ----------------------------------------------------------------------------------------- running

run_goal(M, Goal, Bindings, Options, Result) :-
    option(time(Seconds), Options, 10),
    option(inferences(Inferences), Options, 100000000),
    option(max_solutions(Cap), Options, 100),
    option(proof(WantProof), Options, false),
    option(output_cap(OutCap), Options, 65536),
    Cap1 is Cap + 1,
    %   Answers always come from SWI-Prolog itself; with proof(true) each answer is then explained by
    %   the meta-interpreter (proof null where it finds none, e.g. past a cut it approximates).
    (   WantProof == true
    ->  Search = ( findall(Bindings-Goal, limit(Cap1, M:Goal), Answers),
                   maplist(explain(M), Answers, Found) )
    ;   Search = findall(Bindings-none, limit(Cap1, M:Goal), Found)
    ),
    reset_inference_limit,
    statistics(inferences, I0),
    get_time(T0),
    with_captured_io(OutCap,
                     catch(ns_time_limit(Seconds,
                                         call_with_inference_limit(Search, Inferences, Why)),
                           Error, true),
                     Output, OutputChars),
    get_time(T1),
    statistics(inferences, I1),
    Used is I1 - I0,
    %   A limit that fired decides the result even if the program went on and succeeded afterwards.
    (   nonvar(Error)
    ->  error_outcome(Error, Seconds, Inferences, Output, Result)
    ;   ( Why == inference_limit_exceeded ; Used > Inferences )
    ->  inference_limit_message(Inferences, Msg),
        Result = _{status: "unknown", kind: "inferences", message: Msg, output: Output}
    ;   T1 - T0 > Seconds
    ->  error_outcome(time_limit_exceeded, Seconds, Inferences, Output, Result)
    ;   length(Found, N),
        (   N > Cap -> Capped = true, length(Kept, Cap), append(Kept, _, Found) ; Capped = false, Kept = Found ),
        maplist(solution_json, Kept, Solutions, Proofs),
        (   N > 0 -> Answer = "true" ; Answer = "false" ),
        Result0 = _{status: "solved", answer: Answer, solutions: Solutions, capped: Capped,
                    output: Output, output_chars: OutputChars, inferences: Used},
        (   WantProof == true -> Result = Result0.put(proofs, Proofs) ; Result = Result0 )
    ).

%   A limit exception that escaped an earlier run (see error_outcome/5) can leave that run's inference
%   limit armed in the engine; a later call_with_inference_limit/3 would inherit the lower limit and
%   let its exception escape in turn. Each run starts with no limit (the engine's own "no limit" value).
reset_inference_limit :-
    ignore(system:'$inference_limit_false'(9223372036854775807)).

inference_limit_message(Inferences, Msg) :-
    format(string(Msg), "the inference limit of ~D was exceeded", [Inferences]).

explain(M, Bindings-Goal, Bindings-Proof) :-
    (   catch(once(neurosym_proof:prove(M, Goal, Proof0)), error(_, _), fail)
    ->  Proof = Proof0
    ;   Proof = none
    ).

error_outcome(time_limit_exceeded, Seconds, _, Output, _{status: "timeout", message: Msg, output: Output}) :- !,
    format(string(Msg), "the time limit of ~w seconds was exceeded", [Seconds]).
%   call_with_inference_limit/3 normally turns its limit into Why; when the limit and the time alarm
%   race, SWI-Prolog can let the exception itself escape (seen on 9.0.4): it is the same outcome.
error_outcome(inference_limit_exceeded, _, Inferences, Output,
              _{status: "unknown", kind: "inferences", message: Msg, output: Output}) :- !,
    inference_limit_message(Inferences, Msg).
error_outcome(error(resource_error(What), _), _, _, Output,
              _{status: "error", kind: "memory", message: Msg, output: Output}) :- !,
    format(string(Msg), "resource limit reached: ~w (the stack or table space is bounded)", [What]).
error_outcome(E, _, _, Output, _{status: "error", kind: "type", message: Msg, output: Output}) :-
    message_text(E, Text),
    string_concat("the program raised an error: ", Text, Msg).

solution_json(Bindings-Proof, Solution, ProofJson) :-
    include([Name=_]>>(\+ sub_atom(Name, 0, _, _, '_')), Bindings, Shown),
    copy_term(Shown-Proof, Shown1-Proof1),
    %   singletons(true) walks shared subterms once per path: exponential on X1 = f(X0, X0), ...
    %   so only a term of bounded tree size gets `_` for its singletons.
    (   tree_size_below(Shown1-Proof1, 100000)
    ->  numbervars(Shown1-Proof1, 0, _, [singletons(true)])
    ;   numbervars(Shown1-Proof1, 0, _)
    ),
    findall(Name-Text, (member(Name=Value, Shown1), term_text(Value, Text)), Pairs),
    dict_create(Solution, _, Pairs),
    (   Proof1 == none -> ProofJson = null ; nb_setval(ns_proof_budget, 2000), proof_json(Proof1, ProofJson) ).

%   A term is printed from a bounded copy (at most 5000 nodes; the rest is `...`), so neither a cyclic
%   term nor a small term with exponential sharing (X1 = f(X0, X0), X2 = f(X1, X1), ...) can blow up.
%   A cyclic term is printed as cyclic: `_S1 where _S1 = f(_S1)`, as SWI-Prolog's top level does.
term_text(Term, Text) :-
    (   cyclic_term(Term)
    ->  term_factorized(Term, Skeleton, Substitutions),
        name_cycles(Substitutions, 1),
        bounded_text(Skeleton, Head),
        maplist(substitution_text, Substitutions, Parts),
        atomic_list_concat(Parts, ', ', Where),
        format(string(Text0), "~w where ~w", [Head, Where])
    ;   bounded_text(Term, Text0)
    ),
    cap_string(Text0, 20000, Text).

name_cycles([], _).
name_cycles([V = _|Rest], N) :-
    format(atom(Name), "_S~d", [N]),
    ( var(V) -> V = '$VAR'(Name) ; true ),
    N1 is N + 1,
    name_cycles(Rest, N1).

substitution_text(V = Value, Text) :-
    bounded_text(V, Left),
    bounded_text(Value, Right),
    format(string(Text), "~w = ~w", [Left, Right]).

tree_size_below(Term, Max) :-
    nb_setval(ns_print_budget, Max),
    bounded_copy(Term, _),
    nb_getval(ns_print_budget, Left),
    Left > 0.

bounded_text(Term, Text) :-
    nb_setval(ns_print_budget, 5000),
    bounded_copy(Term, Copy),
    format(string(Text), "~W", [Copy, [quoted(true), numbervars(true), portray(false)]]).

bounded_copy(Term, Copy) :-
    nb_getval(ns_print_budget, B),
    (   B =< 0
    ->  Copy = '...'
    ;   B1 is B - 1,
        nb_setval(ns_print_budget, B1),
        (   ( var(Term) ; atomic(Term) ; Term = '$VAR'(_) )
        ->  Copy = Term
        ;   compound_name_arity(Term, Name, Arity),
            compound_name_arity(Copy, Name, Arity),
            bounded_args(1, Arity, Term, Copy)
        )
    ).

bounded_args(I, N, _, _) :- I > N, !.
bounded_args(I, N, Term, Copy) :-
    arg(I, Term, A),
    arg(I, Copy, C),
    bounded_copy(A, C),
    I1 is I + 1,
    bounded_args(I1, N, Term, Copy).

cap_string(S, Max, Out) :-
    string_length(S, L),
    (   L =< Max -> Out = S ; sub_string(S, 0, Max, _, Part), string_concat(Part, "...", Out) ).

%   Proof terms become {"goal", "by", "children"} objects; conjunction nodes are spliced away so each
%   node is one goal; at most 2000 nodes per proof are kept.
proof_json(node(Goal, Kind, Children), Json) :-
    nb_getval(ns_proof_budget, B),
    (   B =< 0
    ->  Json = _{goal: "...", by: "truncated", children: []}
    ;   B1 is B - 1, nb_setval(ns_proof_budget, B1),
        term_text(Goal, Text),
        foldl(flatten_proof, Children, [], RevKids),
        reverse(RevKids, Kids),
        maplist(proof_json, Kids, KidsJson),
        Json = _{goal: Text, by: Kind, children: KidsJson}
    ).

flatten_proof(node(_, and, Kids), Acc0, Acc) :- !, foldl(flatten_proof, Kids, Acc0, Acc).
flatten_proof(node(_, true, _), Acc, Acc) :- !.
flatten_proof(Node, Acc, [Node|Acc]).

% --------------------------------------------------------------------------------------- input/output

%   Output of the program (to current output, user_output or user_error) goes to a Prolog stream
%   that keeps the first Cap characters and counts the rest, so a program that prints megabytes
%   neither floods the worker's terminal nor its memory. Input reads from an empty stream.
with_captured_io(Cap, Goal, Output, Chars) :-
    nb_setval(ns_out, ""), nb_setval(ns_out_chars, 0), nb_setval(ns_out_cap, Cap),
    open_prolog_stream(neurosym_sandbox, write, Out, []),
    open_string("", In),
    stream_property(UserOut, alias(user_output)),
    stream_property(UserErr, alias(user_error)),
    stream_property(UserIn, alias(user_input)),
    current_output(OldOut), current_input(OldIn),
    setup_call_cleanup(
        ( set_stream(Out, alias(user_output)), set_stream(Out, alias(user_error)),
          set_stream(In, alias(user_input)), set_output(Out), set_input(In) ),
        once(Goal),
        ( catch(flush_output(Out), _, true),
          set_stream(UserOut, alias(user_output)), set_stream(UserErr, alias(user_error)),
          set_stream(UserIn, alias(user_input)), set_output(OldOut), set_input(OldIn),
          catch(close(Out), _, true), close(In) )),
    nb_getval(ns_out, Output),
    nb_getval(ns_out_chars, Chars).

stream_write(_, String) :-
    string_length(String, L),
    nb_getval(ns_out_chars, N0),
    N is N0 + L,
    nb_setval(ns_out_chars, N),
    nb_getval(ns_out_cap, Cap),
    (   N0 < Cap
    ->  Keep is min(L, Cap - N0),
        sub_string(String, 0, Keep, _, Part),
        nb_getval(ns_out, Acc),
        string_concat(Acc, Part, Acc1),
        nb_setval(ns_out, Acc1)
    ;   true
    ).

stream_close(_).

% ------------------------------------------------------------------------------------------ errors

exception_result(ns_error(Kind, Message, Line, Column),
                 _{status: "error", kind: Kind, message: Message, line: Line, column: Column}) :- !.
exception_result(time_limit_exceeded, _{status: "timeout", message: "the time limit was exceeded"}) :- !.
exception_result(error(resource_error(What), _), _{status: "error", kind: "memory", message: Msg}) :- !,
    format(string(Msg), "resource limit reached: ~w", [What]).
exception_result(E, _{status: "error", kind: "internal", message: Msg}) :-
    message_text(E, Text),
    string_concat("the sandbox failed: ", Text, Msg).

message_text(E, Text) :-
    catch(( message_to_codes(E, Codes), string_codes(Text0, Codes) ), _, fail), !,
    cap_string(Text0, 2000, Text).
message_text(E, Text) :-
    format(string(Text0), "~q", [E]),
    cap_string(Text0, 2000, Text).

message_to_codes(E, Codes) :-
    '$messages':translate_message(E, Lines, []),
    with_output_to(codes(Codes), print_message_lines(current_output, '', Lines)).
