"""The main window: track list, piano roll, transport, undo history, menus and shortcuts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QUndoView,
)

import musicstudio.ui.window_layout as window_layout
from musicstudio.audio.errors import AudioError
from musicstudio.audio.soundfont import find_soundfont, soundfont_presets
from musicstudio.io.errors import MusicFileError
from musicstudio.io.settings import Settings, load_settings, save_settings, user_data_dir
from musicstudio.ui.autosave import Autosaver, install_crash_hook
from musicstudio.ui.document import SongDocument
from musicstudio.ui.file_actions import FileActions
from musicstudio.ui.help import build_help_menu
from musicstudio.ui.keyboard_input import KeyboardInput
from musicstudio.ui.piano_roll import PianoRoll
from musicstudio.ui.piano_roll.snap import SNAP_CHOICES
from musicstudio.ui.recording import RecordingSession
from musicstudio.ui.sing import SingController
from musicstudio.ui.sound_settings import SoundSettingsDialog
from musicstudio.ui.track_list import TrackList
from musicstudio.ui.transport import TransportBar
from musicstudio.workers.playback import PlaybackController
from musicstudio.workers.render_worker import wait_for_threads


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, autosave_ms: int | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else load_settings()
        self.document = SongDocument(self)
        self.roll = PianoRoll(self.document, self)
        self.setCentralWidget(self.roll)
        self.tracks = TrackList(self.document, self)
        self.transport = TransportBar(self.document, self)
        self.autosaver = Autosaver(self.document.project, lambda: self.document.modified, user_data_dir(),
                                   self.settings.autosave_seconds, self, interval_ms=autosave_ms)
        self.autosaver.failed.connect(
            lambda message: self.statusBar().showMessage(f"Autosave failed: {message}", 10000))
        self._uninstall_crash_hook = install_crash_hook(self.autosaver)
        self.files = FileActions(self, self.document, self.settings, self.roll, self.autosaver, self.statusBar())
        self.playback = PlaybackController(self)
        self.recording = RecordingSession(self.document, self.roll, self.playback, parent=self)
        self.keyboard_input = KeyboardInput(self.playback, self.roll, self.recording, self)
        self.recording.keyboard_wanted.connect(lambda: self.keyboard_input.set_enabled(True))
        self.transport.count_in_changed.connect(self.recording.set_count_in_bars)
        self.recording.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.sing = SingController(self.document, self.roll, self.playback, self.recording, self)
        self.sing.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self._build_docks()
        self._build_toolbars()
        self._build_menus()
        self.summary = QLabel()
        self.sound_status = QLabel("Sound off")
        self.statusBar().addPermanentWidget(self.keyboard_input.label)
        self.statusBar().addPermanentWidget(self.sound_status)
        self.statusBar().addPermanentWidget(self.summary)
        self.setAcceptDrops(True)

        self.tracks.track_selected.connect(self.roll.set_track)
        self.roll.track_changed.connect(self.tracks.select)   # a note of another track clicked in the roll
        self.tracks.drag_requested.connect(self.files.drag_out)
        self.roll.playhead_moved.connect(self.transport.show_position)
        self.transport.loop_toggled.connect(self._loop_toggled)
        self.roll.loop_changed.connect(self._show_loop)   # a loop dragged on the ruler checks Loop
        self._connect_sound()
        self.document.changed.connect(self._song_changed)
        self.document.path_changed.connect(self._update_title)
        self.document.undo_stack.cleanChanged.connect(self._update_title)

        self.generate = None   # the Generate panel, once attach_generation gives it a worker
        self.files.new_song()
        self._restore_window()

    # -- building -----------------------------------------------------------------------------------
    def _build_docks(self) -> None:
        dock = self.tracks_dock = QDockWidget("Tracks", self)
        dock.setObjectName("tracks")
        dock.setWidget(self.tracks)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)   # under the roll beside Generate
        self.history = QDockWidget("Undo history", self)
        self.history.setObjectName("history")
        self.history.setWidget(QUndoView(self.document.undo_stack))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history)
        self.history.hide()

    def _build_toolbars(self) -> None:
        self.addToolBar(self.transport)
        tools = QToolBar("Tools", self)
        tools.setObjectName("tools")
        group = QActionGroup(self)
        self.select_tool = QAction("⬚ Select", self, checkable=True, checked=True, shortcut=QKeySequence("S"),
                                   toolTip="Select, move and resize notes; double-click adds or deletes (S)")
        self.draw_tool = QAction("✎ Draw", self, checkable=True, shortcut=QKeySequence("D"),
                                 toolTip="Click or drag to draw notes; right-click deletes (D)")
        for action, tool in ((self.select_tool, "select"), (self.draw_tool, "draw")):
            group.addAction(action)
            tools.addAction(action)
            action.triggered.connect(lambda _=False, t=tool: self.roll.set_tool(t))
        tools.addSeparator()
        tools.addWidget(QLabel(" Snap "))
        self.snap = QComboBox()
        self.snap.addItems(list(SNAP_CHOICES))
        self.snap.setCurrentText(self.settings.snap if self.settings.snap in SNAP_CHOICES else "1/16")
        self.roll.set_snap(self.snap.currentText())
        self.snap.currentTextChanged.connect(self._snap_changed)
        tools.addWidget(self.snap)
        self.addToolBar(tools)

    def _roll_action(self, text: str, keys, slot, menu) -> QAction:
        """An editing action whose shortcut works while the piano roll has focus."""
        action = QAction(text, self)
        keys = keys if isinstance(keys, list) else [keys]
        action.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())  # not the checked flag as an argument
        self.roll.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.files.build_menu(file_menu)
        quit_action = file_menu.actions()[-1]
        file_menu.insertAction(quit_action, self.sing.import_action)     # Import audio as notes…
        file_menu.insertSeparator(quit_action)
        edit = self.menuBar().addMenu("&Edit")
        stack = self.document.undo_stack
        undo = stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addActions([undo, redo])
        edit.addSeparator()
        r = self.roll
        self._roll_action("Cu&t", QKeySequence.StandardKey.Cut, r.cut_selection, edit)
        self._roll_action("&Copy", QKeySequence.StandardKey.Copy, r.copy_selection, edit)
        self._roll_action("&Paste at playhead", QKeySequence.StandardKey.Paste, r.paste, edit)
        self._roll_action("&Duplicate", "Ctrl+D", r.duplicate_selection, edit)
        self._roll_action("De&lete", [QKeySequence.StandardKey.Delete, "Backspace"], r.delete_selection, edit)
        edit.addSeparator()
        self._roll_action("Select &all", QKeySequence.StandardKey.SelectAll, r.select_all, edit)
        self._roll_action("Select &none", "Esc", lambda: r.set_selection([]), edit)
        edit.addSeparator()
        self._roll_action("&Quantize", "Q", r.quantize_selection, edit)
        self._roll_action("&Transpose…", "Ctrl+T", self.ask_transpose, edit)
        edit.addSeparator()
        carry = r.lane_header.carry_action   # also on the strip above the controller lane
        carry.setChecked(self.settings.move_controllers_with_notes)
        carry.toggled.connect(lambda on: setattr(self.settings, "move_controllers_with_notes", on))
        edit.addAction(carry)
        notes = self.menuBar().addMenu("&Notes")
        for text, keys, semis in (("Up a semitone", "Up", 1), ("Down a semitone", "Down", -1),
                                  ("Up an octave", "Shift+Up", 12), ("Down an octave", "Shift+Down", -12)):
            self._roll_action(text, keys, lambda _=False, s=semis: r.nudge(semitones=s), notes)
        self._roll_action("Earlier by a grid step", "Left", lambda: r.nudge(ticks=-r.grid_step), notes)
        self._roll_action("Later by a grid step", "Right", lambda: r.nudge(ticks=r.grid_step), notes)
        view = self.view_menu = self.menuBar().addMenu("&View")
        self._roll_action("Zoom &in", ["Ctrl+=", "Ctrl++"], lambda: r.zoom(1.25), view)
        self._roll_action("Zoom &out", "Ctrl+-", lambda: r.zoom(0.8), view)
        self._roll_action("Zoom to &fit the song", "Ctrl+0", r.zoom_to_fit, view)
        self._roll_action("Taller rows", "Ctrl+Shift+=", lambda: r.zoom_rows(1.2), view)
        self._roll_action("Shorter rows", "Ctrl+Shift+-", lambda: r.zoom_rows(1 / 1.2), view)
        view.addSeparator()
        view.addAction(self.history.toggleViewAction())
        key = QAction("Highlight the &key's scale", self, checkable=True, checked=True)
        key.toggled.connect(lambda on: (setattr(r, "key_highlight", on), r.refresh()))
        view.addAction(key)
        words = QAction("Show &lyrics and markers", self, checkable=True, checked=True)
        words.toggled.connect(lambda on: (setattr(r, "show_words", on), r.refresh()))
        view.addAction(words)
        play = self.menuBar().addMenu("&Transport")
        play.addActions([self.transport.play, self.transport.stop, self.transport.loop, self.transport.record])
        play.addAction(self.sing.record_action)                           # Record from microphone (Shift+R)
        play.addSeparator()
        click = QAction("&Metronome", self, checkable=True, shortcut=QKeySequence("Ctrl+M"))
        click.toggled.connect(self.playback.set_metronome)
        overdub = QAction("&Overdub (keep the notes under a take)", self, checkable=True, checked=True)
        overdub.toggled.connect(lambda on: self._record_setting(overdub=on))
        quantize = QAction("&Quantize takes to the snap grid", self, checkable=True)
        quantize.toggled.connect(lambda on: self._record_setting(quantize_grid=self.roll.grid_step if on else 0))
        piano = QAction("Computer &keyboard as piano", self, checkable=True, shortcut=QKeySequence("Ctrl+K"))
        piano.toggled.connect(self.keyboard_input.set_enabled)
        play.addActions([click, overdub, quantize, piano])
        self.midi_menu = play.addMenu("MIDI &input")
        self.midi_menu.aboutToShow.connect(self._fill_midi_menu)  # listed afresh each time: hot-plugging works
        play.addMenu(self.sing.quantize_menu)
        play.addSeparator()
        play.addAction("&Sound settings…", self.sound_settings)
        self.help_menu = self.menuBar().addMenu("&Help")
        build_help_menu(self, self.help_menu)

    def _connect_sound(self) -> None:
        pb, t, roll = self.playback, self.transport, self.roll
        t.play_requested.connect(lambda: pb.play(roll.playhead))
        t.stop_requested.connect(self._stop)
        t.record_toggled.connect(self._record_toggled)
        roll.loop_changed.connect(lambda: pb.set_loop(roll.loop))
        roll.audition_requested.connect(self._audition)
        pb.position_changed.connect(roll.set_playhead)
        pb.playing_changed.connect(lambda playing: t.play.setEnabled(not playing))
        pb.problem.connect(self._sound_problem)
        self.document.changed.connect(lambda: pb.set_song(self.document.song))

    def start_sound(self) -> bool:
        """Load the synthesizer and open the audio output; without them the app works, silently."""
        ok = self.playback.start(self.settings.soundfont or None, self.settings.audio_device or None,
                                 self.settings.buffer_size)
        if ok:
            self.sound_status.setText("Sound on")
            self.sound_status.setToolTip(f"SoundFont: {self.playback.engine.synth.soundfont}")
        self._show_soundfont_instruments()
        return ok

    def _show_soundfont_instruments(self) -> None:
        try:
            self.tracks.set_instrument_names(soundfont_presets(find_soundfont(self.settings.soundfont or None)))
        except (AudioError, OSError):
            pass  # General MIDI names stay

    def _sound_problem(self, reason: str) -> None:
        self.sound_status.setText("Sound off")
        self.sound_status.setToolTip(reason)
        self.statusBar().showMessage(reason, 15000)

    def _audition(self, pitch: int, velocity: int) -> None:
        track = self.roll.active_track
        self.playback.audition(pitch, velocity, track.program if track else 0, bool(track and track.is_drum))

    def _stop(self) -> None:
        if self.recording.active:
            self.transport.record.setChecked(False)
        self.playback.stop()

    def _record_toggled(self, on: bool) -> None:
        if on:
            if self.sing.active:
                self.transport.record.setChecked(False)
                self.statusBar().showMessage("Stop the microphone recording before recording from MIDI.", 5000)
                return
            self.recording.start()
            if not self.recording.active:
                self.transport.record.setChecked(False)
        elif self.recording.active:
            count = self.recording.stop()
            self.statusBar().showMessage(f"Recorded {count} notes", 5000)

    def _fill_midi_menu(self) -> None:
        from musicstudio.audio.midi_input import input_ports

        self.midi_menu.clear()
        ports = input_ports()
        if not ports:
            self.midi_menu.addAction("No MIDI input found (the computer keyboard plays: Ctrl+K)").setEnabled(False)
        for name in ports:
            action = self.midi_menu.addAction(name, lambda n=name: self.recording.open_port(n))
            action.setCheckable(True)
            action.setChecked(name == self.recording.port_name)

    def sound_settings(self) -> None:
        dialog = SoundSettingsDialog(self.settings, self)
        if dialog.exec():
            self.start_sound()

    def attach_generation(self, service, owned: bool = True, fine_tunes=None) -> None:
        """Add the Generate panel, driving ``service`` (a workers.generation.GenerationService, which the
        app creates: the UI never imports the generators' torch side itself). An ``owned`` service is shut
        down when the window closes. ``fine_tunes``: makes a workers.fine_tune.FineTuneService, for
        "Train on my MIDI folder…" (the menu item is there only with it)."""
        from musicstudio.ui.generate import GeneratePanel, part_tools

        self.generate = GeneratePanel(self.document, self.roll, self.playback, service, self.settings, self)
        self.generate.owns_service = owned
        self.generate.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.generate_dock = QDockWidget("Generate", self)
        self.generate_dock.setObjectName("generate")
        self.generate_dock.setWidget(self.generate)
        window_layout.place_generate_dock(self, self.tracks_dock, self.generate_dock, self.layout_kept)
        for signal in (self.generate_dock.dockLocationChanged, self.generate_dock.topLevelChanged):
            signal.connect(lambda *_: self.generate.set_side_by_side(
                window_layout.under_the_roll(self, self.generate_dock)))
        self.generate.set_side_by_side(window_layout.under_the_roll(self, self.generate_dock))
        self.view_menu.addAction(self.generate_dock.toggleViewAction())
        self._roll_action("&Generate", "Ctrl+G", self._generate_from_roll, None)
        self.generate_menu = QMenu("&Generate", self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), self.generate_menu)   # Help stays last
        part_tools.install(self, self.generate_menu)     # Add drums…, Harmonize…: new tracks beside the song's
        if fine_tunes is not None:
            self.fine_tunes = fine_tunes
            self.generate_menu.addAction("&Train on my MIDI folder…", self.train_on_midi_folder)

    def train_on_midi_folder(self):
        """Open the fine-tune dialog (one per window); the new model lands in the Generate panel's picker."""
        from musicstudio.ui.generate.fine_tune import open_fine_tune

        self.generate_dock.show()
        self.fine_tune_dialog = open_fine_tune(self.generate, self.fine_tunes)
        return self.fine_tune_dialog

    def _generate_from_roll(self) -> None:
        if self.generate is not None:
            self.generate_dock.show()
            self.generate.generate()

    # -- reactions ----------------------------------------------------------------------------------
    def ask_transpose(self) -> None:
        if not self.roll.has_selection():     # notes selected in any track (Ctrl+T works across tracks)
            return
        semis, ok = QInputDialog.getInt(self, "Transpose", "Semitones (negative: down):", 12, -48, 48)
        if ok and not self.roll.transpose_selection(semis):
            self.statusBar().showMessage("That would move notes outside the MIDI range", 5000)

    def _record_setting(self, **changes) -> None:
        from dataclasses import replace
        self.recording.settings = replace(self.recording.settings, **changes)

    def _snap_changed(self, label: str) -> None:
        self.roll.set_snap(label)
        self.settings.snap = label

    def _loop_toggled(self, on: bool) -> None:
        if on and self.roll.loop is None:
            song = self.document.song
            self.roll.set_loop((0, song.meter.bar_start(min(song.bar_count, 4))))
        elif not on:
            self.roll.set_loop(None)

    def _show_loop(self) -> None:
        self.transport.loop.setChecked(self.roll.loop is not None)

    def _song_changed(self) -> None:
        song = self.document.song
        self.summary.setText(f"{len(song.tracks)} tracks · {song.note_count:,} notes · {song.bar_count} bars · "
                             f"{song.tempo_bpm:.0f} BPM · {song.time_signatures[0]} · {song.key.name}")
        self._update_title()

    def _update_title(self, *_) -> None:
        self.setWindowTitle(f"{self.document.display_name}[*] — Music Studio")
        self.setWindowModified(self.document.modified)

    # -- window state -------------------------------------------------------------------------------
    def _restore_window(self) -> None:
        self.layout_kept = window_layout.restore(self, self.settings)

    def save_window_settings(self) -> None:
        window_layout.save(self, self.settings)
        save_settings(self.settings)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.files.maybe_save():
            event.ignore()
            return
        self.autosaver.stop()
        self.autosaver.discard()
        self._uninstall_crash_hook()
        wait_for_threads()  # a WAV export still running is cancelled and joined
        if self.generate is not None:
            self.generate.shutdown()  # a generation still running is cancelled and its thread joined
        if getattr(self, "fine_tune_dialog", None) is not None:
            self.fine_tune_dialog.close()  # a fine-tune still running is cancelled (it can be resumed)
        self.keyboard_input.set_enabled(False)
        self.sing.shutdown()  # a microphone take still running is dropped and its stream closed
        self.playback.shutdown()
        try:
            self.save_window_settings()
        except MusicFileError as e:  # the window closes all the same; only its layout is not kept
            self.statusBar().showMessage(str(e))
        event.accept()

    # -- drag and drop ------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.files.dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = self.files.dropped_paths(event.mimeData())
        if paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            for path in paths:
                self.files.import_or_open(Path(path))
