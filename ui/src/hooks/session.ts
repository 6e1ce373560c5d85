// Signing in and out, switching locations, and the OAuth app settings. Every session
// command answers with the whole session, which `applySession` puts in the cache: the
// screen follows from it (sign-in screen, or the active location's data).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type RefObject } from "react";
import type { OAuthSettingsForm, PrivateTokenForm } from "../bindings";
import {
  cancelSignIn,
  saveOAuthSettings,
  signInWithHighLevel,
  signInWithToken,
  signOut,
  switchLocation,
  toAppError,
} from "../backend";
import { applySession, queryKeys } from "./queries";

type SignInOptions = {
  /** Load the active location's data again (after a reconnect). */
  refetch?: boolean;
  onSignedIn?: () => void;
};

/**
 * "Sign in with HighLevel" in the system browser. While it waits, `cancel` stops it; a
 * cancelled sign-in is not an error. When the wait ends without signing in, focus goes
 * back to `trigger` (the button that started it).
 */
export function useHighLevelSignIn(trigger: RefObject<HTMLElement>, { refetch = false, onSignedIn }: SignInOptions = {}) {
  const client = useQueryClient();
  const signIn = useMutation({
    mutationFn: signInWithHighLevel,
    onSuccess: (next) => {
      applySession(client, next, { refetch });
      onSignedIn?.();
    },
  });
  const cancel = useMutation({ mutationFn: cancelSignIn });
  const waiting = signIn.isPending;
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (wasWaiting.current && !waiting && signIn.isError) trigger.current?.focus();
    wasWaiting.current = waiting;
  }, [waiting, signIn.isError, trigger]);

  const cancelled = signIn.isError && toAppError(signIn.error).code === "sign_in_cancelled";
  return {
    start: () => {
      cancel.reset();
      signIn.mutate();
    },
    cancel: () => cancel.mutate(),
    waiting,
    cancelling: cancel.isPending,
    /** Why cancelling failed (the sign-in goes on waiting). */
    cancelError: cancel.error,
    /** Why the last attempt failed; null when it was cancelled. */
    error: signIn.isError && !cancelled ? signIn.error : null,
    dismissError: () => signIn.reset(),
  };
}

export function useSignInWithToken({ refetch = false, onSignedIn }: SignInOptions = {}) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: PrivateTokenForm) => signInWithToken(form),
    onSuccess: (next) => {
      applySession(client, next, { refetch });
      onSignedIn?.();
    },
  });
}

export function useSwitchLocation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (locationId: string) => switchLocation(locationId),
    onSuccess: (next) => applySession(client, next),
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ locationId, deleteCache }: { locationId: string; deleteCache: boolean }) =>
      signOut(locationId, deleteCache),
    onSuccess: (next) => applySession(client, next),
  });
}

export function useSaveOAuthSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: OAuthSettingsForm) => saveOAuthSettings(form),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.oauthSettings, saved);
      // Whether "Sign in with HighLevel" can start depends on them.
      void client.invalidateQueries({ queryKey: queryKeys.session });
    },
  });
}
