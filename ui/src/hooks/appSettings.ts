// TanStack Query hooks for Settings → General (refresh interval, log level, folders, and
// moving the data folder).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { useToast } from "../components/Toasts";
import type { AppSettingsForm, AppSettingsView, DataMoveProgress } from "../bindings";
import {
  appSettings,
  cancelDataFolderMove,
  checkDataFolderMove,
  chooseDataFolder,
  moveDataFolder,
  openDataFolder,
  openLogsFolder,
  saveAppSettings,
} from "../backend";

export const appSettingsKeys = {
  appSettings: ["app-settings"] as const,
};

export function useAppSettings() {
  return useQuery({ queryKey: appSettingsKeys.appSettings, queryFn: appSettings, staleTime: Infinity });
}

export function useSaveAppSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: AppSettingsForm) => saveAppSettings(form),
    onSuccess: (view) => client.setQueryData(appSettingsKeys.appSettings, view),
  });
}

export function useOpenFolder(which: "logs" | "data") {
  return useMutation({ mutationFn: () => (which === "logs" ? openLogsFolder() : openDataFolder()) });
}

// Counts the data folder moves of this window: a move (even one cancelled or failed) closes
// the open location's cache and opens it again, so whatever watches that cache watches again.
let dataFolderEpoch = 0;
const epochListeners = new Set<() => void>();

function subscribeToEpoch(listener: () => void) {
  epochListeners.add(listener);
  return () => epochListeners.delete(listener);
}

/** Changes after every data folder move, whatever its outcome. */
export function useDataFolderEpoch(): number {
  return useSyncExternalStore(subscribeToEpoch, () => dataFolderEpoch);
}

export function useChooseDataFolder() {
  return useMutation({ mutationFn: chooseDataFolder });
}

export function useCheckDataFolderMove() {
  return useMutation({ mutationFn: (target: string) => checkDataFolderMove(target) });
}

/**
 * Moves the data folder. The outcome is told here (not by the panel), so it still reaches
 * the person when Settings was closed during the move.
 */
export function useMoveDataFolder() {
  const client = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: ({ target, onProgress }: { target: string; onProgress: (progress: DataMoveProgress) => void }) =>
      moveDataFolder(target, onProgress),
    onSuccess: (outcome) => {
      if (!outcome.moved) return;
      client.setQueryData<AppSettingsView>(appSettingsKeys.appSettings, (view) =>
        view ? { ...view, dataDir: outcome.dataDir } : view,
      );
      toast.show({ tone: "success", title: "Data folder moved", message: `Switchboard now keeps its data in ${outcome.dataDir}.` });
      if (outcome.leftBehind) toast.show({ tone: "error", title: "The old folder is still there", message: outcome.leftBehind });
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: appSettingsKeys.appSettings });
      dataFolderEpoch += 1;
      for (const listener of epochListeners) listener();
      // Lists read while the caches were closed for the move failed: read them again.
      void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== appSettingsKeys.appSettings[0] });
    },
  });
}

export function useCancelDataFolderMove() {
  return useMutation({ mutationFn: cancelDataFolderMove });
}
