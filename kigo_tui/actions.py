"""The main screen's actions in one table: its key bindings, the command palette and the help
screen are all made from `MAIN_ACTIONS`.

Each action's `id` is what `[keys]` in config.toml remaps (`{toggle_done = "t"}`); a key that
another action has is reported, not taken (`key_clashes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    """One thing the user can do on the main screen."""

    key: str
    """The default key(s), comma-separated, as Textual names them."""
    action: str
    """The action it runs (`action_<name>` on the screen, or a namespaced `screen.<name>`)."""
    description: str
    """The short Danish word in the footer and on the help screen."""
    show: bool = True
    """Shown in the footer."""
    palette: tuple[str, str] | None = None
    """The command palette's title and help text (None: not in the palette)."""
    tree: bool = False
    """The tree widget's own binding (it sees the key first), not the screen's."""

    @property
    def id(self) -> str:
        """The name `[keys]` in config.toml remaps it by (and the action's method on the
        screen, without the namespace)."""
        return self.action.removeprefix("screen.")

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id)


MAIN_ACTIONS: tuple[Action, ...] = (
    Action(
        "space",
        "screen.toggle_done",
        "Fuldført",
        palette=("Fuldført til/fra", "Markér den valgte opgave som fuldført, eller tilbage"),
        tree=True,
    ),
    Action(
        "s",
        "cycle_status",
        "Status",
        palette=("Skift status", "ikke påbegyndt → påbegyndt → fuldført"),
    ),
    Action(
        "e",
        "edit",
        "Ret",
        palette=("Ret opgave", "Datoer, kategori og varsel for den valgte opgave"),
    ),
    Action("u", "undo", "Fortryd", palette=("Fortryd", "Fortryd den seneste ændring")),
    Action(
        "slash",
        "search",
        "Søg",
        palette=("Søg opgave", "Find en opgave på id, titel eller beskrivelse (aa = å, oe = ø)"),
    ),
    Action(
        "n",
        "search_next",
        "Næste træf",
        show=False,
        palette=("Næste søgetræf", "Gå til næste opgave, der matcher den seneste søgning"),
    ),
    Action(
        "N",
        "search_previous",
        "Forrige træf",
        show=False,
        palette=("Forrige søgetræf", "Gå til forrige opgave, der matcher den seneste søgning"),
    ),
    Action(
        "f",
        "filter",
        "Filter",
        palette=("Filtrér", "Kun gul/rød, kun obligatoriske/kritiske, skjul fuldførte"),
    ),
    Action(
        "K",
        "follow_up",
        "KOMBIT",
        palette=(
            "KOMBITs opfølgning",
            "Det KOMBIT ser (røde og gule obligatoriske opgaver), og det KOMBIT følger op på",
        ),
    ),
    Action(
        "a",
        "add",
        "Tilføj",
        palette=("Tilføj lokal opgave", "Kommunens egen opgave under den valgte hovedopgave"),
    ),
    Action(
        "x",
        "export",
        "Eksport",
        palette=(
            "Eksportér statusbundt",
            "Skriv zip-bundtet til KOMBIT i eksportmappen (Dokumenter, eller export_dir)",
        ),
    ),
    Action(
        "R",
        "report",
        "Rapport",
        show=False,
        palette=(
            "Statusside til styregruppen",
            "Skriv statussiden som HTML i eksportmappen: til skærmen på mødet eller print på A4",
        ),
    ),
    Action(
        "m", "mine", "Mine", palette=("Mine opgaver", "Opgaver hvor du er ansvarlig eller udfører")
    ),
    Action(
        "o",
        "organisation",
        "Organisation",
        palette=(
            "Organisation",
            "Personer og roller: tilføj, ret og fjern; KOMBITs anbefalinger som tjek",
        ),
    ),
    Action(
        "i",
        "pick_me",
        "Hvem er jeg",
        show=False,
        palette=("Vælg hvem du er", "Til 'mine opgaver'; valget huskes i config.toml"),
    ),
    Action(
        "w",
        "exit_workspace",
        "KMD Sag-exit",
        show=False,
        palette=("KMD Sag-exitstrategi", "SAPA: sagsområder, brugsmønstre, scenarier"),
    ),
    Action(
        "p",
        "progress",
        "Fremdrift",
        show=False,
        palette=(
            "Fremdrift over tid",
            "Burn-down mod planen og røde/gule pr. uge for projektet",
        ),
    ),
    Action(
        "F",
        "defects",
        "Fejllog",
        show=False,
        palette=("Fejllog og SLA", "Fejl indberettet til leverandøren: alder, SLA-brud, tal"),
    ),
    Action(
        "c",
        "calendar",
        "Kalender",
        show=False,
        palette=(
            "Slutdatoer i kalenderen",
            "Skriv åbne opgavers slutdatoer og varsler som .ics-fil",
        ),
    ),
    Action(
        "d",
        "delete",
        "Slet lokal",
        show=False,
        palette=("Slet lokal opgave", "Slet den valgte lokale opgave"),
    ),
    Action("r", "reload", "Genindlæs", show=False, palette=("Genindlæs", "Læs databasen igen")),
    Action("question_mark", "help", "Hjælp", palette=("Hjælp", "Vis tasterne")),
    Action("q", "quit", "Afslut"),
    Action("escape", "close_search", "Luk søgning", show=False),
)
"""In footer order; the palette lists its commands by title."""

HELP_BEFORE = (("↑↓ j k", "flyt markøren"), ("→ Enter", "fold ud"), ("←", "fold sammen"))
"""The tree's own keys, first on the help screen."""
HELP_AFTER = (
    ("mellemrum", "i tjeklisten: afkryds et punkt"),
    ("ctrl+p", "kommandopalet med de samme handlinger"),
)
HELP_HIDDEN = frozenset(
    {"cursor_down", "cursor_up", "expand_cursor", "collapse_cursor", "close_search"}
)
"""Actions the help screen does not list (described by HELP_BEFORE, or only for the search)."""


ORGANISATION_ACTIONS: tuple[Action, ...] = (
    Action("a", "add_person", "Ny person"),
    Action("e", "edit_person", "Ret"),
    Action("r", "assign_role", "Giv rolle"),
    Action("R", "unassign_role", "Fjern rolle", show=False),
    Action("d", "remove_person", "Fjern person", show=False),
    Action("i", "pick_me", "Det er mig"),
    Action("question_mark", "help", "Hjælp"),
    Action("escape,q,o", "back", "Tilbage"),
)
"""The organisation view's actions (`kigo_tui.screens.organisation`), in footer order. An id the
main screen shares (pick_me, help) is the same thing there, remapped with it."""


def screen_bindings(actions: Iterable[Action] = MAIN_ACTIONS) -> list[BindingType]:
    """The main screen's BINDINGS."""
    return [a.binding() for a in actions if not a.tree]


def tree_bindings(actions: Iterable[Action] = MAIN_ACTIONS) -> list[BindingType]:
    """The bindings the tree widget carries for the screen (it has the focus)."""
    return [a.binding() for a in actions if a.tree]


def palette_commands(
    actions: Iterable[Action] = MAIN_ACTIONS,
) -> Iterator[tuple[str, str, str]]:
    """(action name on the screen, title, help text) of every action in the command palette."""
    for a in actions:
        if a.palette is not None:
            yield a.id, *a.palette


def help_keys(bindings: Iterable[tuple[str, Binding]]) -> list[tuple[str, str]]:
    """The help screen's lines from the active bindings as (key shown, binding): the tree's keys,
    then every binding of ours (they carry an id; not the widgets' built-in ones) once."""
    keys = list(HELP_BEFORE)
    seen: set[str] = set(HELP_HIDDEN)
    for shown, binding in bindings:
        if binding.id and binding.description and binding.action not in seen:
            seen.add(binding.action)
            keys.append((shown, binding.description))
    keys.extend(HELP_AFTER)
    return keys


# ------------------------------------------------------------------ keys as people read them


KEY_NAMES = {
    "escape": "esc",
    "enter": "⏎",
    "space": "mellemrum",
    "tab": "tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "backspace": "⌫",
    "delete": "del",
    "insert": "ins",
    "home": "home",
    "end": "end",
    "pageup": "pgup",
    "pagedown": "pgdn",
    "question_mark": "?",
    "plus": "+",
    "minus": "-",
    "slash": "/",
    "full_stop": ".",
    "comma": ",",
}
"""Textual's key names → what is printed on the key or a Danish word (never 'space', 'escape')."""
MODIFIER_NAMES = {"ctrl": "ctrl", "shift": "skift", "alt": "alt", "meta": "meta", "super": "super"}


def key_display(key: str) -> str:
    """A binding's key(s) as the footer and help show them: 'ctrl+p', 'esc', 'mellemrum', '?';
    of several keys ('escape,q') the first."""
    *modifiers, name = key.split(",")[0].strip().split("+")
    if name in KEY_NAMES:
        shown = KEY_NAMES[name]
    elif len(name) == 1:
        shown = name
    else:
        from textual.keys import format_key

        shown = format_key(name)
    return "+".join([*(MODIFIER_NAMES.get(m, m) for m in modifiers), shown])


PALETTE_DESCRIPTION = "kommandoer"
PALETTE_TOOLTIP = "Åbn kommandopaletten"


def danish_palette_binding(key_to_bindings: dict[str, list[Binding]]) -> None:
    """Textual's command-palette key (added by App.__init__ as 'palette', 'Open the command
    palette') with a Danish description and tooltip, in place."""
    from dataclasses import replace

    for key, bindings in key_to_bindings.items():
        key_to_bindings[key] = [
            replace(b, description=PALETTE_DESCRIPTION, tooltip=PALETTE_TOOLTIP)
            if b.action in ("command_palette", "app.command_palette")
            else b
            for b in bindings
        ]


# ------------------------------------------------------------------ keys remapped in config.toml

RESERVED_KEYS = {
    "up": "flyt markøren op",
    "down": "flyt markøren ned",
    "j": "flyt markøren ned",
    "k": "flyt markøren op",
    "left": "fold sammen",
    "right": "fold ud",
    "enter": "fold ud",
    "tab": "næste felt",
    "ctrl+p": "kommandopaletten",
}
"""Keys the tree or Textual uses on the main screen, which no action can take."""


@dataclass(frozen=True)
class KeyClash:
    """A key `[keys]` in config.toml gives an action while another action already has it."""

    key: str
    action: Action
    """The action config.toml gives the key to."""
    holder: str
    """What has the key already: another action's description, or one of RESERVED_KEYS."""
    holder_id: str | None = None

    def message(self) -> str:
        held = f"«{self.holder}» ({self.holder_id})" if self.holder_id else f"«{self.holder}»"
        return (
            f"Tasten «{self.key}» for «{self.action.description}» ({self.action.id}) i "
            f"config.toml bruges allerede til {held}. Den er ikke flyttet: vælg en anden tast "
            f"under [keys]."
        )


def _keys(spec: str) -> list[str]:
    return [key.strip() for key in spec.split(",") if key.strip()]


def key_clashes(
    keymap: Mapping[str, str], actions: Iterable[Action] = MAIN_ACTIONS
) -> list[KeyClash]:
    """Every key that `keymap` (action id → keys) gives an action while another action keeps it
    (counting the other's own remapping) or the tree uses it; one clash per key and pair."""
    table = list(actions)
    final = {a.id: set(_keys(keymap.get(a.id, a.key))) for a in table}
    clashes: list[KeyClash] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    for action in table:
        if action.id not in keymap:
            continue
        for key in _keys(keymap[action.id]):
            if key in RESERVED_KEYS:
                clashes.append(KeyClash(key, action, RESERVED_KEYS[key]))
                continue
            for other in table:
                pair = (key, frozenset((action.id, other.id)))
                if other is action or key not in final[other.id] or pair in seen:
                    continue
                seen.add(pair)
                clashes.append(KeyClash(key, action, other.description, other.id))
    return clashes


def usable_keymap(keymap: Mapping[str, str], clashes: Iterable[KeyClash]) -> dict[str, str]:
    """`keymap` without the keys that clash: an action whose every new key clashes keeps its
    own key."""
    taken: dict[str, set[str]] = {}
    for clash in clashes:
        taken.setdefault(clash.action.id, set()).add(clash.key)
    usable: dict[str, str] = {}
    for action_id, spec in keymap.items():
        keys = [key for key in _keys(spec) if key not in taken.get(action_id, set())]
        if keys:
            usable[action_id] = ",".join(keys)
    return usable
