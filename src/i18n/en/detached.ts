/** Texts of long commands that run detached on the host (src/detached). */
export const detachedEn = {
  'detached.stillRunning': 'Still running on the host since {time}. It goes on if you close the wizard or the connection drops; the wizard picks it up again when it reopens.',
  'detached.stopFailed': 'The long command could not be stopped ({reason}); it is still running on the host. If the wizard asks for the sudo password, give it, then press Stop again.',
  'detached.interrupted.restarted':
    'The host was restarted (or lost power) while this long command was running, so it stopped part-way and never finished. Whatever it had done so far is still on the host; the step’s checks say what is left. Start it again when you are ready: the wizard never restarts it on its own.',
  'detached.interrupted.gone':
    'This long command stopped part-way on the host without recording how it ended (its process was probably killed). Whatever it had done so far is still on the host; the step’s checks say what is left. Start it again when you are ready: the wizard never restarts it on its own.',
  'detached.vanished': 'The long command did not start on the host (its job folder has no process id). Run it again.',
} as const;
