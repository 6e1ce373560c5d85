// TanStack Query hooks for Settings → General (refresh interval, log level, folders).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppSettingsForm } from "../bindings";
import { appSettings, openDataFolder, openLogsFolder, saveAppSettings } from "../backend";

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
