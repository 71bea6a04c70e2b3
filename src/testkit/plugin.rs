//! The contract a vendor simulator implements to plug into the sandbox ([`Plugin`]), and
//! the maps, keyed by plug-in type, in which the builder keeps each vendor's settings and
//! the sandbox each vendor's handle.
//!
//! A vendor lives in its folder, `testkit/<vendor>/`: its simulator, a type implementing
//! [`Plugin`], and its public accessors (`impl Sandbox { pub fn <vendor>(&self) … }`,
//! `impl SandboxBuilder { pub fn <vendor>_<setting>(self, …) … }`), which go through
//! [`Sandbox::plugin`], [`Sandbox::plugin_url`] and [`SandboxBuilder::plugin_settings`].
//! The one shared place that names it is its line in the `plugins!` list of the testkit's
//! `mod.rs`.

use std::{
    any::{Any, TypeId, type_name},
    collections::BTreeMap,
    fmt, io,
    marker::PhantomData,
    sync::Arc,
};

use url::Url;

use super::{Sandbox, SandboxBuilder, sim::Simulator};
use crate::ClientBuilder;

/// One vendor's simulator, as the sandbox starts it and wires a client to it.
pub(crate) trait Plugin: 'static {
    /// What the sandbox builder collects for this vendor; the default when no setter ran.
    type Settings: Default + fmt::Debug + Send + Sync + 'static;
    /// The handle a test gets on the simulator's state (`EnergyCapSandbox`).
    type Handle: Clone + Send + Sync + 'static;

    /// Where the SDK's config for this vendor points, relative to the sandbox root
    /// (`energycap/`); [`Sandbox::plugin_url`] joins it to the root.
    const BASE_PATH: &'static str;

    /// Creates the simulator, mounted under its own [`prefix`](Simulator::prefix), and the
    /// handle on its state. `root` is the sandbox root, `http://127.0.0.1:PORT/`.
    fn start(settings: Self::Settings, root: &Url) -> (Arc<dyn Simulator>, Self::Handle);

    /// Configures this vendor on `client`, for `sandbox`.
    fn configure(client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder;
}

/// A [`Plugin`] with its types erased, as the `plugins!` list holds it.
pub(crate) trait AnyPlugin: fmt::Debug + Send + Sync {
    /// Starts the simulator with the settings `settings` holds for it (or the defaults),
    /// keeps its handle in `handles`, and returns the simulator to mount.
    ///
    /// # Errors
    ///
    /// Fails when the plug-in's [`BASE_PATH`](Plugin::BASE_PATH) does not join `root`.
    fn start(
        &self,
        settings: &mut Settings,
        root: &Url,
        handles: &mut Handles,
    ) -> io::Result<Arc<dyn Simulator>>;

    /// [`Plugin::configure`].
    fn configure(&self, client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder;
}

/// The entry of plug-in `P` in the list.
pub(crate) fn register<P: Plugin>() -> Box<dyn AnyPlugin> {
    Box::new(Registered::<P>(PhantomData))
}

struct Registered<P>(PhantomData<fn() -> P>);

impl<P> fmt::Debug for Registered<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Registered").field(&type_name::<P>()).finish()
    }
}

impl<P: Plugin> AnyPlugin for Registered<P> {
    fn start(
        &self,
        settings: &mut Settings,
        root: &Url,
        handles: &mut Handles,
    ) -> io::Result<Arc<dyn Simulator>> {
        root.join(P::BASE_PATH).map_err(io::Error::other)?;
        let (simulator, handle) = P::start(settings.take::<P>(), root);
        handles.0.insert(TypeId::of::<P>(), Box::new(handle));
        Ok(simulator)
    }

    fn configure(&self, client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder {
        P::configure(client, sandbox)
    }
}

/// Each plug-in's settings, keyed by the plug-in's type.
#[derive(Default)]
pub(crate) struct Settings(BTreeMap<TypeId, Box<dyn AnySettings>>);

trait AnySettings: Any + fmt::Debug + Send + Sync {}

impl<T: Any + fmt::Debug + Send + Sync> AnySettings for T {}

impl Settings {
    fn edit<P: Plugin>(&mut self, edit: impl FnOnce(&mut P::Settings)) {
        let mut settings = self.take::<P>();
        edit(&mut settings);
        self.0.insert(TypeId::of::<P>(), Box::new(settings));
    }

    /// The settings of `P`, removed from the map; the defaults when none were set.
    fn take<P: Plugin>(&mut self) -> P::Settings {
        let settings: Option<Box<dyn Any>> = self.0.remove(&TypeId::of::<P>()).map(|s| s as _);
        // The map only ever holds `P::Settings` under `P`'s key, so the downcast succeeds.
        settings.and_then(|settings| settings.downcast().ok()).map(|s| *s).unwrap_or_default()
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.values()).finish()
    }
}

/// Each started plug-in's handle, keyed by the plug-in's type.
#[derive(Default)]
pub(crate) struct Handles(BTreeMap<TypeId, Box<dyn Any + Send + Sync>>);

impl fmt::Debug for Handles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handles").field("len", &self.0.len()).finish()
    }
}

impl Sandbox {
    /// The handle on plug-in `P`'s simulator.
    ///
    /// A plug-in missing from the `plugins!` list has no simulator mounted; it gets the
    /// handle of a fresh simulator that no request reaches, which its tests show at once.
    pub(crate) fn plugin<P: Plugin>(&self) -> P::Handle {
        let handle = self.handles.0.get(&TypeId::of::<P>());
        match handle.and_then(|handle| handle.downcast_ref::<P::Handle>()) {
            Some(handle) => handle.clone(),
            None => P::start(P::Settings::default(), &self.url()).1,
        }
    }

    /// The base URL of plug-in `P`'s API: [`BASE_PATH`](Plugin::BASE_PATH) on the root.
    pub(crate) fn plugin_url<P: Plugin>(&self) -> Url {
        let root = self.url();
        // `start` checked that the path joins the root.
        root.join(P::BASE_PATH).unwrap_or(root)
    }
}

impl SandboxBuilder {
    /// Changes plug-in `P`'s settings; the vendor's setters are made of this.
    pub(crate) fn plugin_settings<P: Plugin>(
        mut self,
        edit: impl FnOnce(&mut P::Settings),
    ) -> Self {
        self.settings.edit::<P>(edit);
        self
    }
}

/// Declares the vendor folders and lists their plug-ins, one `folder::PluginType` each:
/// `mod folder;`, a re-export of the folder's public items, and [`plugins`](super::plugins).
macro_rules! plugins {
    ($($folder:ident::$plugin:ident),* $(,)?) => {
        $(
            mod $folder;
            pub use $folder::*;
        )*

        /// Every vendor plug-in, in the order of the list.
        fn plugins() -> Vec<Box<dyn $crate::testkit::plugin::AnyPlugin>> {
            vec![$($crate::testkit::plugin::register::<$folder::$plugin>()),*]
        }
    };
}
pub(crate) use plugins;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::sim::{SimRequest, SimResponse};

    /// A plug-in whose settings count setter calls.
    struct Counter;

    impl Plugin for Counter {
        type Settings = u32;
        type Handle = u32;
        const BASE_PATH: &'static str = "counter/v1/";

        fn start(settings: u32, _root: &Url) -> (Arc<dyn Simulator>, u32) {
            (Arc::new(Nothing), settings)
        }

        fn configure(client: ClientBuilder, _sandbox: &Sandbox) -> ClientBuilder {
            client
        }
    }

    struct Nothing;

    impl Simulator for Nothing {
        fn prefix(&self) -> &'static str {
            "/counter"
        }

        fn handle(&self, request: &SimRequest) -> SimResponse {
            SimResponse::not_found(&request.path)
        }
    }

    #[test]
    fn settings_start_from_the_default_and_keep_every_edit() {
        let mut settings = Settings::default();
        settings.edit::<Counter>(|n| *n += 1);
        settings.edit::<Counter>(|n| *n += 2);
        assert_eq!(format!("{settings:?}"), "[3]");
        assert_eq!(settings.take::<Counter>(), 3);
        assert_eq!(settings.take::<Counter>(), 0);
    }

    #[test]
    fn a_started_plugin_keeps_its_handle_under_its_type() {
        let root = Url::parse("http://127.0.0.1:9/").unwrap();
        let mut settings = Settings::default();
        settings.edit::<Counter>(|n| *n = 7);
        let mut handles = Handles::default();
        let simulator = register::<Counter>().start(&mut settings, &root, &mut handles).unwrap();
        assert_eq!(simulator.prefix(), "/counter");
        let handle = handles.0.get(&TypeId::of::<Counter>()).and_then(|h| h.downcast_ref());
        assert_eq!(handle, Some(&7_u32));
    }
}
